import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var r=class extends Error{constructor(o){super(o.map(e=>`${e.input}: ${e.message}`).join(`
`));this.issues=o}issues;name="ConfigError"},s=class extends Error{name="FindingError"};export{r as a,s as b};
