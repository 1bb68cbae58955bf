# Build with the dev dependencies, ship only the production ones.
FROM node:20-bookworm-slim AS build
# better-sqlite3 falls back to a node-gyp build when no prebuilt binary fits; the image's own
# Node headers keep that build offline.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
# The image's npm 10 ignores package.json "allowScripts": run no install script but the one
# native addon the service needs.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `docker compose exec ledger npx ledger token --role …` issues tokens with the volume's key.
COPY --from=build /app/bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
