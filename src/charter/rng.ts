/** The reference Charter's seeded randomness: the shared generators of src/types/random.ts. */
export { drawFor, hashSeed, mulberry32, stream, type Random } from '../types/random.js';
