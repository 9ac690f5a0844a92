-- One database per service: they never read each other's.
CREATE DATABASE registration;
CREATE DATABASE teams;
CREATE DATABASE notifications;
