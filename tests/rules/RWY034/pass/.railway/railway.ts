import { defineRailway, project, service } from "railway/iac";

const MODEL = "gpt-4o-mini";
const common = { LOG_LEVEL: "info" };

export default defineRailway(() => {
  const api = service("api", {
    start: "node dist/server.js",
    env: { ...common, OPENAI_MODEL: MODEL, WORKERS: `${4}` },
  });
  return project("notes", { resources: [api] });
});
