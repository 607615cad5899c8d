import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
function u(r){let n=Number(r.HOIST_PROGRESS_INTERVAL_MS);return Number.isFinite(n)&&n>=10?n:5e3}function a(r,n,i,s,t=Date.now){let o=t(),e=setInterval(()=>r(`${n}: ${i()} (${Math.round((t()-o)/1e3)} s)`),s);return e.unref(),()=>clearInterval(e)}var c=r=>`${(r/1048576).toFixed(1)} MiB`;export{u as a,a as b,c};
