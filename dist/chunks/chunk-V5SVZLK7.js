import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as i,j as s}from"./chunk-66AVMFAK.js";var d={"git-tag":"the git tag this run releases (default: the tag on HEAD, or $CI tag variables)",commit:"the commit the image is built from (default: HEAD)",branch:"the branch (default: the checked-out branch)","pull-request":"the pull request number, for pr-N tags","commit-time":"the commit time, RFC 3339 (default: the commit time git records)"};async function g(e,a,n){for(let t of e.secretInputs){let r=e.secretFiles.get(t),o=a[s(t)];if(r!==void 0&&o!==void 0)throw new i(`--${t}-file and ${s(t)} are both set: give one`,e.command);if(o!==void 0&&e.inputs.set(t,o),r!==void 0)try{e.inputs.set(t,(await n(r)).replace(/\r?\n$/,""))}catch(c){throw new i(`--${t}-file: cannot read ${r} (${c.code??"error"})`,e.command)}}}function u(e){return["digest","version","tags","signatures","bytes-sent","imageid"].filter(n=>e.get(n)).map(n=>`${n.padEnd(11)}${e.get(n).split(`
`).join(`
${" ".repeat(11)}`)}`).join(`
`)}export{d as a,g as b,u as c};
