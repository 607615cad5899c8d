import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c}from"./chunk-OOHQWCNC.js";async function r(e){let{context:t}=e.platform,o=n=>e.exec.run("git",n,{env:t.env,cwd:t.workspace}).then(s=>s.stdout.trim()||void 0,()=>{});return c(t.facts,o)}export{r as a};
