# The data source service: one image for every role (api, worker, all).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY src ./src
# The console (npm run build builds it into dist/web, which the service serves at /).
COPY web ./web
# pg10 … pg17 are the tests' PostgreSQL majors (optional dependencies only so that npm ci works off linux-x64).
RUN npm run build && npm prune --omit=dev && rm -rf node_modules/pg1[0-7]

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY drizzle ./drizzle
# Holds the generated development key when SECRET_KEY is not set (docker-compose.yml mounts it).
RUN mkdir -p /var/lib/data-source-service && chown node:node /var/lib/data-source-service
USER node
EXPOSE 4000
ENTRYPOINT ["node", "dist/main.js"]
CMD ["all"]
