import { defineRailway, project, service } from "railway/iac";

export default defineRailway(() => {
  const web = service("api", {
    build: "npm ci && npm run build",
    start: "node dist/server.js",
    healthcheck: "/api/health",
    healthcheckTimeout: 120,
    replicas: 2,
    deploy: { restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 5 },
  });
  return project("notes", { resources: [web] });
});
