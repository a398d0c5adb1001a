import type { DataConverter } from '@temporalio/common';
import {
  Client,
  Connection,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  defaultGrpcRetryOptions,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';

/** gRPC status codes (@grpc/grpc-js `status`) of a frontend that is down or did not answer in time. */
const deadlineExceeded = 4;
const unavailable = 14;
const failedPrecondition = 9;

/**
 * Whether the server refused an Update because the case's last workflow task failed or timed out and is being retried
 * (its worker died mid-task, for one). The case is not wedged by the refusal; the same Update id later is safe.
 */
export function isCaseTaskRetrying(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && e.code === failedPrecondition && /workflow task in failed state/i.test(e.details || e.message)) return true;
  }
  return false;
}

/**
 * Connects a Temporal client; the caller closes the connection. A call to a frontend that is down is retried three
 * times (about half a second), not the SDK's default ten (about twenty seconds), so that the API answers 503 at once
 * and the caller retries: starts and actions are idempotent. `dataConverter` carries the payload codec (./codec): every
 * client of a process that reads or writes cases passes it.
 */
export async function connectClient(address: string, namespace: string, dataConverter?: DataConverter): Promise<Client> {
  const connection = await Connection.connect({
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  return new Client({ connection, namespace, dataConverter });
}

/** Whether an error of the Temporal client says the frontend cannot be reached or did not answer in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (isGrpcServiceError(e) && (e.code === unavailable || e.code === deadlineExceeded)) return true;
  }
  return false;
}
