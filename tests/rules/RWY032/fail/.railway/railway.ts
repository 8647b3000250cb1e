import { defineRailway, postgres, project, service } from "railway/iac";

export default defineRailway(() => {
  const db = postgres("Postgres");
  const api = service("api", {
    env: {
      DATABASE_URL: "postgresql://app:s3cretpassw0rd@postgres.railway.internal:5432/railway",
    },
  });
  return project("notes", { resources: [db, api] });
});
