import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,e as c,f as d,g as e,h as f,i as g,j as h,k as i,l as j}from"./chunk-XK44ORZB.js";import"./chunk-WSLCKM7U.js";export{g as BODY_LIMITS,i as BodyTooLargeError,d as IdleTimeoutError,a as createAgent,b as createProxyAgent,j as errorText,e as exchange,c as header,f as isIdleTimeout,h as readLimited};
