import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
var n=class extends Error{name="RegistryError";registry;repository;status;code;retryable;retryAfter;constructor(s,e){super(s,e.cause===void 0?void 0:{cause:e.cause}),this.registry=e.registry,this.repository=e.repository,this.status=e.status,this.code=e.code,this.retryable=e.retryable,this.retryAfter=e.retryAfter}};function i(r){return r===408||r===429||r>=500&&r!==501&&r!==505}function a(r){try{let t=JSON.parse(r).errors?.[0];if(t){let o=typeof t.detail=="string"?`: ${t.detail}`:"";return{code:t.code,message:`${t.message??t.code??"error"}${o}`}}}catch{}let s=r.trim().split(`
`)[0]?.slice(0,200);return s?{message:s}:{}}export{n as a,i as b,a as c};
