/**
 * The CDK app (`cdk.json` runs it with tsx). It runs `npm run build`'s build
 * first, so `npx cdk deploy` always ships bundles made from the code as it is
 * now, then synthesizes the stacks. PATGATE_SKIP_BUILD=1 skips the build
 * when dist/ was just built (the tests do this: they build once for the run).
 */
import { App } from 'aws-cdk-lib';
import { buildAll } from '../scripts/build.js';
import { addPatgateStacks } from './patgate-app.js';

if (process.env.PATGATE_SKIP_BUILD !== '1') await buildAll();
const app = new App();
addPatgateStacks(app);
app.synth();
