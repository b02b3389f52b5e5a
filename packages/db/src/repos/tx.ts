import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** A Prisma client or the client of an open interactive transaction. */
export type Tx = PrismaClient | Prisma.TransactionClient;
