import { EXIT, type Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const approve: Command = { name: 'approve', summary: 'approve', run: async (_a, io) => { io.err('mapek approve: not implemented yet'); return EXIT.internal; } };
export const reject: Command = { name: 'reject', summary: 'reject', run: async (_a, io) => { io.err('mapek reject: not implemented yet'); return EXIT.internal; } };
