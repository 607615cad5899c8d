import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
async function o(t,r){try{await t.platform.summary(t.redactor.redact(r))}catch(e){t.platform.warning(`could not write the job summary: ${t.redactor.redact(e instanceof Error?e.message:String(e))}`)}}async function s(t,r){for(let[e,a]of r.outputs)t.platform.setOutput(e,a);r.summary!==void 0&&await o(t,r.summary)}export{o as a,s as b};
