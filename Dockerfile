# beatflow worker and API (one image; docker-compose.yml picks the command).
# Only what the build needs is copied in, so the host's node_modules, dist/ and .data/ never enter the image.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
# package.json marks the root that finds src/db/migrations (SQL shipped as source); the worker bundles dist/workflows.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/db/migrations ./src/db/migrations
USER node
CMD ["node", "dist/src/api/main.js"]
