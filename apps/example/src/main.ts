/** `npm run example`: see run.ts. */
import { formatError } from "@adaptive-sparse/cli";
import { parseArgs, runExample } from "./run.js";

runExample(parseArgs(process.argv.slice(2))).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${formatError(error)}\n`);
    process.exit(1);
  },
);
