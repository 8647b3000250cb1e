import { defineRailway, postgres, project, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("Postgres");
  const api = service("api", {
    env: {
      NODE_ENV: "production",
      DATABASE_URL: db.env.DATABASE_URL,
      // pasted from the dashboard "for now": committed with the code
      JWT_SECRET: "q7Vt2mXc9LpR4sWz8NbK3hYf6GdJ1eUa",
    },
  });
  return project("notes", { resources: [db, api] });
});
