import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var s=class extends Error{constructor(r){super(r.map(e=>`${e.input}: ${e.message}`).join(`
`));this.issues=r}issues;name="ConfigError"},o=class extends Error{name="FindingError"},t=class extends Error{constructor(r,e){super(r);this.input=e}input;name="TagError"};export{s as a,o as b,t as c};
