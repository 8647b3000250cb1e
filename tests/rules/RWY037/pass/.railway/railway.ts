import { defineRailway, project, service } from "railway/iac";

// Staging sets USE_MOCK_OPENAI=true in Railway; the file holds the production values only.
export default defineRailway(() => {
  const api = service("api", {
    env: { NODE_ENV: "production", USE_MOCK_OPENAI: "false" },
  });
  return project("notes", { resources: [api] });
});
