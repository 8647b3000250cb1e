import { defineRailway, project, service, volume } from "railway/iac";

export default defineRailway(() => {
  const data = volume("n8n-data");
  const n8n = service("n8n", {
    build: { builder: "DOCKERFILE", dockerfilePath: "./Dockerfile" },
    healthcheckPath: "/healthz",
    networking: { serviceDomains: { "n8n.up.railway.app": { port: 5678 } } },
    volumeMounts: { "/home/node/.n8n": data },
    env: { N8N_PORT: "5678" },
  });
  return project("n8n", { resources: [n8n, data] });
});
