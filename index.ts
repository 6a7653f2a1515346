/**
 * The package entry: Business OS in process (CLIENT-CONTRACT.md).
 *
 *   await initializeBusinessOS();
 *   const prediction = await digitalTwin.simulate('lsn_main', { changes: { priceChange: 15 }, duration: 7 });
 */
export { initializeBusinessOS, type BusinessOS } from './server/business-os/initialize.js';
export { digitalTwin, type DigitalTwin } from './server/twin/digital-twin.js';
export type { AppRouter } from './server/api/trpc-router.js';
