// Every way the SDK lets a variable be given, for the static reader and the SDK to agree on.
import { defineRailway, postgres, preserve, project, redis, ref, service } from "railway/iac";

const PORT = "8080";
const shared = { LOG_LEVEL: "info", REGION_HINT: `eu-${PORT}` };

export default defineRailway((ctx) => {
  const db = postgres("Postgres");
  const cache = redis("Cache");
  const production = ctx.isEnvironment("production");

  const api = service("api", {
    start: "node dist/server.js",
    healthcheckPath: "/api/health",
    healthcheckTimeout: 90,
    replicas: { "us-west2": 2, "europe-west4-drams3a": { count: 1 } },
    deploy: { restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 7 },
    env: {
      ...shared,
      PORT,
      NODE_ENV: production ? "production" : "development",
      USE_MOCK_OPENAI: !production ? "true" : "false",
      APP_URL: `https://${production ? "app" : "staging"}.example.com`,
      DATABASE_URL: db.env.DATABASE_URL,
      REDIS_URL: ref(cache, "REDIS_URL"),
      OPENAI_API_KEY: ctx.shared.OPENAI_API_KEY,
      FRONTEND_URL: "https://${{ web.RAILWAY_PUBLIC_DOMAIN }}",
      SESSION_SECRET: ctx.randomString("session"),
      JWT_SECRET: preserve(),
      SEALED_TOKEN: { value: "not-a-real-token-0000", isSealed: true },
      'QUOTED-NAME': "yes",
      LABEL: (production && "prod") || "other",
    },
  });

  const worker = service("worker", {
    run: { command: "node dist/worker.js", healthcheck: "/healthz", healthcheckTimeout: 30 },
    build: "npm run build:worker",
    preDeploy: "node dist/migrate.js",
    env: { DATABASE_URL: db.env.DATABASE_PUBLIC_URL, ROLE: "worker" },
  });

  return project("kinds", { resources: [db, cache, api, worker] });
});
