import { defineRailway, project, service } from "railway/iac";

export default defineRailway(() => {
  const api = service("api", {
    healthcheck: "/api/health",
    start: node dist/server.js",
    env: { NODE_ENV: "production" },
  });
  return project("notes", { resources: [api] });
});
