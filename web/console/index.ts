// The analyst console's public surface for the composition root.
export { createConsoleRouter } from './router.ts';
export { CONSOLE_PATH, type ConsoleDeps } from './context.ts';
export { createDrillAckRouter, DRILL_ACK_PATH, type DrillAckRouterDeps } from './routes/drill-ack-routes.ts';
