/**
 * Host nginx in front of the frappe_docker frontend container (127.0.0.1:8080): TLS and the
 * redirect on starter, security headers and the body limit everywhere, and access logs that
 * fail2ban's nginx jail reads. Behind a load balancer it speaks plain HTTP on the private
 * network and redirects anything the balancer marks as HTTP.
 */
import type { Baseline } from '../../infra/baseline/baseline.ts';

export interface NginxFile {
  path: string;
  content: string;
}

export function nginxFiles(domain: string, baseline: Baseline, tlsOnBox: boolean): NginxFile[] {
  const headers = Object.entries(baseline.httpHeaders).map(
    ([name, value]) => `  add_header ${name} "${value}" always;`,
  );
  const proxy = (proto: string) => [
    '  location / {',
    '    proxy_pass http://127.0.0.1:8080;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Upgrade $http_upgrade;',
    '    proxy_set_header Connection $connection_upgrade;',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    `    proxy_set_header X-Forwarded-Proto ${proto};`,
    '    proxy_read_timeout 120s;',
    '  }',
  ];
  const common = [
    'server_tokens off;',
    'map $http_upgrade $connection_upgrade {',
    '  default upgrade;',
    "  '' close;",
    '}',
  ].join('\n');
  const files: NginxFile[] = [
    { path: '/etc/nginx/conf.d/blkshp.conf', content: common },
    // Debian's default site would answer on port 80 before ours.
    { path: '/etc/nginx/sites-enabled/default', content: '# replaced by blkshp' },
  ];

  if (tlsOnBox) {
    files.push({
      path: '/etc/nginx/sites-enabled/frappe.conf',
      content: [
        'server {',
        '  listen 80 default_server;',
        '  listen [::]:80 default_server;',
        '  location /.well-known/acme-challenge/ { root /var/www/acme; }',
        '  location / { return 301 https://$host$request_uri; }',
        '}',
      ].join('\n'),
    });
    // Enabled by blkshp-tls once Let's Encrypt has issued the certificate.
    files.push({
      path: '/etc/nginx/sites-available/frappe-tls.conf',
      content: [
        'server {',
        '  listen 443 ssl;',
        '  listen [::]:443 ssl;',
        '  http2 on;',
        `  server_name ${domain};`,
        `  ssl_certificate /etc/letsencrypt/live/${domain}/fullchain.pem;`,
        `  ssl_certificate_key /etc/letsencrypt/live/${domain}/privkey.pem;`,
        `  ssl_protocols ${baseline.tls.nginxProtocols};`,
        '  ssl_prefer_server_ciphers off;',
        '  ssl_session_cache shared:blkshp:10m;',
        '  ssl_session_tickets off;',
        `  client_max_body_size ${baseline.maxBodySize};`,
        ...headers,
        ...proxy('https'),
        '}',
      ].join('\n'),
    });
    return files;
  }

  files.push({
    path: '/etc/nginx/sites-enabled/frappe.conf',
    content: [
      'server {',
      '  listen 80 default_server;',
      `  client_max_body_size ${baseline.maxBodySize};`,
      ...headers,
      '  if ($http_x_forwarded_proto = "http") { return 301 https://$host$request_uri; }',
      ...proxy('$http_x_forwarded_proto'),
      '}',
    ].join('\n'),
  });
  return files;
}
