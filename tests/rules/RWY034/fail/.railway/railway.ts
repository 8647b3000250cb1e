import { defineRailway, project, service } from "railway/iac";
import { settings } from "../config/settings";

export default defineRailway(() => {
  const api = service("api", {
    start: process.env.START ?? "node dist/server.js",
    env: {
      ...settings.env,
      OPENAI_MODEL: settings.model,
      WORKERS: String(4 * 2),
    },
  });
  return project("notes", { resources: [api] });
});
