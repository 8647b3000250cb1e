import { defineRailway, postgres, preserve, project, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("Postgres");
  const api = service("api", {
    env: {
      NODE_ENV: "production",
      DATABASE_URL: db.env.DATABASE_URL,
      JWT_SECRET: preserve(),   // set in Railway as a sealed variable
      SMTP_PASSWORD: "",        // integration disabled: nothing to leak
    },
  });
  return project("notes", { resources: [db, api] });
});
