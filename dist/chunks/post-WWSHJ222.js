import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as r,b as i,e as s}from"./chunk-XJQ44VXQ.js";import"./chunk-NR2S4MXI.js";import"./chunk-LIG7EG6X.js";import"./chunk-BU7IWGE7.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-7WWOJHMN.js";async function n(m){let{platform:o,files:e}=m,t=Number(o.getState(i));t&&(await e.readTextIfExists(`/proc/${t}/comm`).catch(()=>"")??"").trim()==="ssh-agent"&&r(t);let f=o.getState(s);f&&await e.remove(f)}export{n as post};
