from reviewer.lsp.server import main

main()
