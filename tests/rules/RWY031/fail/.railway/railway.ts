import { defineRailway, image, project, service } from "railway/iac";

export default defineRailway(() => {
  const worker = service("worker", {
    source: image("ghcr.io/acme/worker:1.4.2"),
    deploy: {
      registryCredentials: {
        username: "acme-ci",
        password: "rX4wq9Tz2LmN7vBk5JhC8sDf3GpY6aEu",
      },
    },
  });
  return project("acme", { resources: [worker] });
});
