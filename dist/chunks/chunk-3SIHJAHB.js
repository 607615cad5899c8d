import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var g=["sig","att","sbom"],f=(t,e)=>`${t.replace(":","-")}.${e}`;async function o(t,e,a){let r=[];for(let n of g){let s=f(a,n),i=await t.getManifest(e,s);i&&r.push({kind:n,tag:s,manifest:i})}return r}function c(t){return JSON.parse(t.bytes.toString("utf8")).layers??[]}export{o as a,c as b};
