# One image for the four services: SERVICE=prescribing|dispensing|fraud|ops picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json nest-cli.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN node scripts/build.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=development HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# nest-cli.json marks /app as the root the tools look up (repoRoot), and data/bdpm is the BDPM
# subset `ordo setup` imports when no full copy is named (BDPM_DIR): see data/bdpm/SOURCE.md.
COPY package.json nest-cli.json ./
COPY data/bdpm ./data/bdpm
RUN mkdir -p /keys && chown node /keys
USER node
ENV SERVICE=prescribing
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/$SERVICE/src/main.js"]
