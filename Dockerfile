# Multi-stage build of the kepugraph server (used by docker-compose.yml).

# 1. The GraphiQL bundle served at / (web/dist is not committed).
FROM node:24-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

# 2. The Go binaries.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kepugraph . \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/seed ./seed

# 3. A static runtime.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kepugraph /out/seed /usr/local/bin/
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/kepugraph"]
