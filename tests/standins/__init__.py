"""Stand-ins of outside services (WeChat, …) that speak their real wire formats."""
