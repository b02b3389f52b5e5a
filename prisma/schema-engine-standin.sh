#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded here. `prisma generate`
# only needs the path to exist. Migrations use `pnpm db:migrate` (WASM engine) instead.
echo "The native Prisma schema engine is not available offline; use pnpm db:migrate / db:deploy." >&2
exit 1
