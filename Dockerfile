# One image for the three apps; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools ./tools
COPY tsconfig*.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm ci --no-audit --no-fund && npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# V8's heap cap for every app (libs/platform/src/runtime/app-heap.ts says why; a unit test keeps the two equal).
# Set NODE_OPTIONS in your environment to choose another.
ENV NODE_OPTIONS=--max-old-space-size=1024
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/tools ./tools
COPY --from=build /app/package.json /app/tsconfig.base.json ./
USER node
# Usage: node tools/run-dist.js apps/<app>/src/main
ENTRYPOINT ["node", "tools/run-dist.js"]
