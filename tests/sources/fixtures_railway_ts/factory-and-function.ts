// A service factory (as in public-AINO-APPS-aino-platform.ts) and a function declaration as
// the program, both resolved statically.
import { defineRailway, github, image, project, service } from "railway/iac";

const REPO = "acme/monorepo";

function app(name: string, port: number, public_: boolean) {
  return service(name, {
    source: github(REPO, { branch: "release" }),
    start: `node apps/${name}/server.js`,
    healthcheck: public_ ? "/api/health" : undefined,
    deploy: { restartPolicyType: public_ ? "ALWAYS" : "ON_FAILURE", numReplicas: public_ ? 3 : 1 },
    env: { PORT: `${port}`, PUBLIC: public_ ? "true" : "false", NAME: name + "-svc" },
  });
}

const program = (ctx, project_) => {
  const proxy = service("proxy", {
    source: image("caddy:2.8"),
    deploy: { registryCredentials: { username: "bot" }, cronSchedule: "0 3 * * *" },
  });
  return project("mono", { resources: [app("web", 3000, true), app("jobs", 3001, false), proxy] });
};

export default program;
