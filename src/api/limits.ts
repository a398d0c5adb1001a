/**
 * Body limits by route, in bytes: an action is small (its longest text is 2,000 characters), a start larger (a
 * hazard start lists up to 100 hazards of 2,000 characters), a calendar year in between; a body-less POST next to nothing.
 */
export const bodyLimits = { action: 32 * 1024, start: 1024 * 1024, calendarYear: 64 * 1024, empty: 1024 } as const;
