echo "private application on $(cat /opt/tools/README)"
