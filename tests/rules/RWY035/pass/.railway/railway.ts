import { defineRailway, github, postgres, project, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("db");
  const web = service("web", {
    source: github("org/app"),
    start: "gunicorn app:app",
    env: { DATABASE_URL: db.env.DATABASE_URL },
  });
  return project("my-app", { resources: [db, web] });
});
