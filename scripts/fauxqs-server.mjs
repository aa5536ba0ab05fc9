// Starts fauxqs (SQS and SNS stand-in) on 127.0.0.1 only: its own CLI binds every interface.
//   FAUXQS_MODULE  path of fauxqs's dist/app.js (installed by scripts/integration-tools.sh)
//   FAUXQS_PORT    TCP port, 4566 by default
import { pathToFileURL } from "node:url";

const modulePath = process.env.FAUXQS_MODULE;
if (!modulePath) {
	console.error("fauxqs-server: FAUXQS_MODULE is not set: point it at fauxqs/dist/app.js");
	process.exit(2);
}
const port = Number(process.env.FAUXQS_PORT || "4566");

const { buildApp } = await import(pathToFileURL(modulePath).href);
const app = buildApp({ logger: false, defaultRegion: process.env.AWS_REGION || "us-east-1" });
await app.listen({ host: "127.0.0.1", port });
console.log(`fauxqs listening on 127.0.0.1:${port}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
	process.on(signal, async () => {
		await app.close();
		process.exit(0);
	});
}
