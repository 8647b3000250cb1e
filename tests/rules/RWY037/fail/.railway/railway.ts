import { defineRailway, project, service } from "railway/iac";

export default defineRailway((ctx) => {
  const api = service("api", {
    env: {
      NODE_ENV: "production",
      USE_MOCK_OPENAI: ctx.isEnvironment("production") ? "false" : "true",
    },
  });
  return project("notes", { resources: [api] });
});
