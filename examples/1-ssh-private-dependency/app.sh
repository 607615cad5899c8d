echo "app using $(cat /app/vendor/private-lib/VERSION 2>/dev/null || echo '?') of private-lib"
