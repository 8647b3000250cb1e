import { defineRailway, image, project, service } from "railway/iac";

// The registry credentials are set in the service settings in Railway, not here.
export default defineRailway(() => {
  const worker = service("worker", {
    source: image("ghcr.io/acme/worker:1.4.2"),
    deploy: { registryCredentials: { username: "acme-ci" } },
  });
  return project("acme", { resources: [worker] });
});
