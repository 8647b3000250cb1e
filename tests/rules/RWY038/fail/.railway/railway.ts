import { defineRailway, project, service } from "railway/iac";

// What `railway config migrate` wrote, then edited: the restart policy is gone (migrate drops
// it) and the health check was changed by hand.
export default defineRailway(() => {
  const web = service("api", {
    build: "npm ci && npm run build",
    start: "node dist/server.js",
    healthcheck: "/health",
    healthcheckTimeout: 120,
    replicas: 2,
  });
  return project("notes", { resources: [web] });
});
