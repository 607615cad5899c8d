import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var r=class extends Error{constructor(s){super(s.map(e=>`${e.input}: ${e.message}`).join(`
`));this.issues=s}issues;name="ConfigError"};export{r as a};
