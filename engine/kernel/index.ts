export { manualClock, type Clock } from './clock.js';
export { seededRandom, type Random } from './random.js';
export { actingRoles, founderOnly, operatorRoles, readerRoles, roleAllows, roles, type Role } from './roles.js';
export { parseMoney, type Currency } from './money.js';
