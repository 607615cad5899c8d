import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{c}from"./chunk-MYG7VZX4.js";function i(e){let{context:t}=e.platform,o=f=>e.exec.run("git",f,{env:t.env,cwd:t.workspace}).then(n=>n.stdout.trim()||void 0,()=>{}),s;return()=>s??=c(t.facts,o)}export{i as a};
